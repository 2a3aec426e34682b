// Distributions: construction from a spec string, sampling into NumPy arrays, exact moments.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "register.hpp"
#include "slsim/core/distribution.hpp"
#include "slsim/core/rng.hpp"
#include "slsim/workload/negative_times.hpp"

namespace py = pybind11;

namespace slsim::py {

void register_distributions(pybind11::module_& m) {
  ::py::class_<Distribution>(m, "Distribution")
      .def(::py::init([](const std::string& spec) { return Distribution::parse(spec); }),
           ::py::arg("spec"))
      .def_static("lognormal_from_median_p99", &Distribution::lognormal_from_median_p99,
                  ::py::arg("median"), ::py::arg("p99"))
      .def_static("empirical", &Distribution::empirical, ::py::arg("samples"))
      .def_static("percentiles", &Distribution::percentiles, ::py::arg("points"))
      .def_property_readonly("family",
                             [](const Distribution& d) { return std::string(d.family()); })
      .def_property_readonly("spec", &Distribution::spec)
      .def_property_readonly("text", &Distribution::text)
      .def("mean", &Distribution::mean)
      .def("variance", &Distribution::variance)
      .def("quantile", &Distribution::quantile, ::py::arg("p"))
      .def(
          "sample",
          [](const Distribution& d, std::size_t n, std::uint64_t seed, std::uint64_t stream) {
            ::py::array_t<double> out(static_cast<::py::ssize_t>(n));
            auto* p = out.mutable_data();
            {
              ::py::gil_scoped_release release;
              RngStream rng(seed, stream);
              for (std::size_t i = 0; i < n; ++i)
                p[i] = d.sample(rng);
            }
            return out;
          },
          ::py::arg("n"), ::py::arg("seed") = 1, ::py::arg("stream") = 0,
          "Draw n values into a NumPy array (seeded, reproducible on every platform).")
      .def("__eq__", &Distribution::operator==)
      .def(::py::pickle([](const Distribution& d) { return d.spec(); },
                        [](const std::string& s) { return Distribution::parse(s); }));
  // The one rule of every time setting (slsim/workload/negative_times.hpp): "" or why not.
  m.def("_negative_times_problem", &negative_times_problem, ::py::arg("distribution"),
        ::py::arg("shown"));
}

}  // namespace slsim::py
