#pragma once
// A platform model as a component of a system: the interface the router of a joint run
// (system.cpp) uses, and the factories of the three models. Private to models/.
//
// Design notes: each model class implements `PlatformPart` and is `final`, so a single-platform
// run (`drive<Model>`, arrival_driver.hpp) calls it without a virtual call; the router of a
// joint run calls it through this interface, one virtual call per arrival. A model keeps what
// it needs of the workload's metadata (function names and memory, the declared span, skipped
// rows) from the source, and never reads its invocations: the driver hands them over. In a joint
// run a model also knows which functions are its own (`PartContext::owns`), for what it sets up
// ahead of their first arrival (Lambda's provisioned concurrency for every function of the
// defaults) and what it names in its errors.

#include <functional>
#include <memory>
#include <string>

#include "arrival_driver.hpp"
#include "slsim/batch/batch.hpp"
#include "slsim/containers/containers.hpp"
#include "slsim/lambda/lambda.hpp"

namespace slsim {

class ArrivalSink;

/// What a model knows of the run it is part of.
struct PartContext {
  /// The driver's lookahead (never null once the run starts).
  const Lookahead* ahead = nullptr;
  /// True in a joint run: the model shares the clock, is begun at its own first arrival (or at
  /// the end when it has none), must not stop the simulation, and (Batch) buffers the calls its
  /// SubmitJob backlog holds instead of holding the workload.
  bool joint = false;
  /// Whether the function named so is this part's (empty: every function is).
  std::function<bool(const std::string&)> owns;
  bool owned(const std::string& name) const { return !owns || owns(name); }
  /// Spillover (a container service in a joint run, system.cpp): the synchronous requests of
  /// the functions `spills` names that find every healthy task of their service full go to
  /// `overflow` at once (the Lambda side, through the router) instead of the ALB's queue, and
  /// are not this part's arrivals. Null: no spillover.
  ArrivalSink* overflow = nullptr;
  std::function<bool(const std::string&)> spills;
};

/// The context of a single-platform run.
inline PartContext single_platform(const Lookahead& ahead) {
  PartContext c;
  c.ahead = &ahead;
  return c;
}

/// The arrival side of a platform model (see arrival_driver.hpp for the protocol).
class ArrivalSink {
 public:
  virtual ~ArrivalSink() = default;
  virtual void begin(const Invocation* first) = 0;
  virtual TimePoint hold_until() const = 0;
  virtual void accept(const Invocation& inv) = 0;
  virtual void instant_done() = 0;
  virtual void end_of_arrivals() = 0;
};

/// A platform model that ends in a result of type R.
template <class R>
class PlatformPart : public ArrivalSink {
 public:
  /// The result over the arrivals it accepted, once the simulation has run to its end.
  virtual R finish() = 0;
};

std::unique_ptr<PlatformPart<LambdaResult>> make_lambda_part(Simulation& sim, WorkloadSource& src,
                                                             const LambdaOptions& options,
                                                             const RateCard& rates,
                                                             PartContext context);
/// `options` must be sized already (size_containers) and outlive the part.
std::unique_ptr<PlatformPart<ContainerResult>> make_container_part(Simulation& sim,
                                                                   WorkloadSource& src,
                                                                   const ContainerOptions& options,
                                                                   const RateCard& rates,
                                                                   PartContext context);
std::unique_ptr<PlatformPart<BatchResult>> make_batch_part(Simulation& sim, WorkloadSource& src,
                                                           const BatchOptions& options,
                                                           const RateCard& rates,
                                                           PartContext context);

}  // namespace slsim
