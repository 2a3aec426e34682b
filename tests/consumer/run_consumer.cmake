# Installs the built slsim into a scratch prefix, then configures, builds and runs the consumer.
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${SLSIM_BINARY_DIR} --prefix ${WORK_DIR}/prefix
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "install failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${CONSUMER_SOURCE_DIR} -B ${WORK_DIR}/build
                        -G ${GENERATOR} -DCMAKE_BUILD_TYPE=Release
                        -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${WORK_DIR}/build/consumer RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "the consumer failed: ${rc}")
endif()
# The installed CLI finds the default scenario under share/slsim/, not through the source tree.
if(EXISTS ${WORK_DIR}/prefix/bin/slsim)
  if(NOT EXISTS ${WORK_DIR}/prefix/share/slsim/default.toml)
    message(FATAL_ERROR "share/slsim/default.toml was not installed")
  endif()
  execute_process(COMMAND ${WORK_DIR}/prefix/bin/slsim report --format json
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc)
    message(FATAL_ERROR "the installed slsim report failed (${rc}): ${err}")
  endif()
  string(FIND "${out}" "${WORK_DIR}/prefix/share/slsim/default.toml" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the installed slsim did not use share/slsim/default.toml:\n${out}")
  endif()
endif()
