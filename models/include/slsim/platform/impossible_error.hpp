#pragma once
/// The error a platform model throws when it cannot run a workload at all.

#include <stdexcept>

namespace slsim {

/// A platform cannot run this workload at all (a duration longer than Lambda's maximum
/// timeout, a function that needs more memory than Lambda offers, a task size Fargate does not
/// offer, a job no instance can hold). The message says why, for people.
class ImpossibleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace slsim
