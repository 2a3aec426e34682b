#pragma once
#include <pybind11/pybind11.h>

namespace slsim::py {
void register_distributions(pybind11::module_& m);
void register_workload(pybind11::module_& m);
void register_pricing(pybind11::module_& m);
void register_lambda(pybind11::module_& m);
void register_batch(pybind11::module_& m);
void register_containers(pybind11::module_& m);
void register_compare(pybind11::module_& m);
}  // namespace slsim::py
