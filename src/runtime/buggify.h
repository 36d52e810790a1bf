// BUGGIFY and code probes.
//
//   if (BUGGIFY(runtime)) { take the rare-but-legal path; }
//   CODE_PROBE(runtime, condition, "name");
//
// In the simulator build (PEREGRINE_BUGGIFY defined) each BUGGIFY site is
// enabled for a run with some probability and then fires with another, both
// drawn from the run's seed; probes record which rare paths a run reached. In
// the production build both compile to nothing: BUGGIFY is the constant
// false and the branch disappears.
#pragma once

#include "runtime/runtime.h"

#define PEREGRINE_STRINGIFY2(x) #x
#define PEREGRINE_STRINGIFY(x) PEREGRINE_STRINGIFY2(x)

#ifdef PEREGRINE_BUGGIFY
#define BUGGIFY(rt) ((rt).buggify(__FILE__ ":" PEREGRINE_STRINGIFY(__LINE__)))
#define CODE_PROBE(rt, cond, name) \
  do {                             \
    if (cond) (rt).probe(name);    \
  } while (0)
#else
#define BUGGIFY(rt) false
#define CODE_PROBE(rt, cond, name) \
  do {                             \
  } while (0)
#endif
