// slsim._core: the compiled half of the Python package. One register_*.cpp per area.
#include <pybind11/pybind11.h>

#include "register.hpp"
#include "slsim/core/version.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "slsim compiled core (private; use the `slsim` package)";
  m.attr("__version__") = std::string(slsim::version());
  slsim::py::register_distributions(m);
  slsim::py::register_workload(m);
  slsim::py::register_pricing(m);
  slsim::py::register_lambda(m);
  slsim::py::register_batch(m);
  slsim::py::register_containers(m);
  slsim::py::register_compare(m);
}
