// app/fit_spec.hpp — a fit's family and sizes in words.
//
// A short label for panel titles and plot legends ("planar K=16"), and the "family:key=value,…"
// specs that name a comparison fit on the command line (GuiOptions::compare). Which sizes a
// family reads is vi::family_sizes (vi/family.hpp).
#pragma once

#include "vi/scene.hpp"

#include <string>
#include <string_view>

namespace vilab {

// "meanfield", "lowrank r=1", "mixture K=3 full", "planar K=16", "realnvp K=8 32×2".
std::string fit_label(const vi::Scene& scene);

// A comparison fit from a spec "family[:key=value[,key=value…]]", keys K, hidden, layers, rank,
// components, component (the CLI's flag names), e.g. "planar:K=16", "realnvp:K=4,hidden=64",
// "mixture:components=2,component=meanfield". Starts from `primary` (so sizes not named keep the
// primary's values) and replaces its family and sizes. Throws std::invalid_argument naming the
// spec and what is wrong (unknown family or key, a key the family does not use, a bad value).
vi::Scene parse_fit_spec(std::string_view spec, const vi::Scene& primary);

}  // namespace vilab
