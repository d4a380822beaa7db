// vi/targets/factories.hpp — the factories vi/targets/targets.cpp registers (internal to vi/target_*.cpp).
//
// Each receives a complete, range-checked ParamValues (defaults merged with overrides) holding the
// parameter names registered for it in vi/targets/targets.cpp.
#pragma once

#include "vi/targets/targets.hpp"

#include <memory>

namespace vi::detail {

// vi/targets/gaussians.cpp
std::unique_ptr<Problem> make_gaussian(const ParamValues& p);
std::unique_ptr<Problem> make_correlated(const ParamValues& p);
std::unique_ptr<Problem> make_mixture(const ParamValues& p);
std::unique_ptr<Problem> make_bimodal(const ParamValues& p);

// vi/targets/curved.cpp
std::unique_ptr<Problem> make_banana(const ParamValues& p);
std::unique_ptr<Problem> make_donut(const ParamValues& p);
std::unique_ptr<Problem> make_funnel(const ParamValues& p);
std::unique_ptr<Problem> make_squiggle(const ParamValues& p);

// vi/targets/energies.cpp
std::unique_ptr<Problem> make_two_moons(const ParamValues& p);
std::unique_ptr<Problem> make_u1(const ParamValues& p);
std::unique_ptr<Problem> make_u2(const ParamValues& p);
std::unique_ptr<Problem> make_u3(const ParamValues& p);
std::unique_ptr<Problem> make_u4(const ParamValues& p);

}  // namespace vi::detail
