# Writes a C++ source that holds the rate-card files as string literals, so the library (and
# the Python module, and find_package users) carry their prices with them.
set(out "// Generated from models/pricing/*.csv; do not edit.\n#include <string>\nnamespace slsim::detail {\n")
foreach(name rates rules ec2_instances fargate_sizes)
  file(READ ${SRC_DIR}/${name}.csv content)
  string(APPEND out "extern const std::string kPricing_${name} = R\"slsim_csv(${content})slsim_csv\";\n")
endforeach()
string(APPEND out "}  // namespace slsim::detail\n")
file(WRITE ${OUT}.tmp "${out}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
