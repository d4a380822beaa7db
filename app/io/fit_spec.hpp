// app/io/fit_spec.hpp — a fit's family, sizes and objective in words.
//
// Short labels for panel titles, plot legends and table headers ("planar K=16", "fullrank ·
// forward KL"), and the "family:key=value,…" specs that name a comparison fit on the command line
// (GuiOptions::compare). Which sizes a family reads is its registry entry (vi::family_info); which
// objectives it can serve is vi::check_objective_supported (vi/objectives/objective_spec.hpp).
#pragma once

#include "vi/engine/scene.hpp"

#include <string>
#include <string_view>

namespace vilab {

// "meanfield", "lowrank r=1", "mixture K=3 full", "planar K=16", "realnvp K=8 32×2".
std::string fit_label(const vi::Scene& scene);

// What the fit maximizes, briefly: "reverse KL", "forward KL", "forward KL (SNIS)", "Rényi α = 0.5",
// "IWAE (α = 0)", followed by the estimator when it is not the pathwise one: "reverse KL · score +
// LOO", "Rényi α = 0.5 · STL".
std::string objective_short_label(const vi::Scene& scene);

// fit_label · objective_short_label: "fullrank · forward KL". The title of a fit beside others.
std::string fit_title(const vi::Scene& scene);

// A comparison fit from a spec "family[:key=value[,key=value…]]". Keys: the family's sizes K,
// hidden, layers, rank, components, component (the CLI's flag names), and its objective:
// objective (reverse-kl, forward-kl, renyi or renyi:α), alpha, estimator, baseline, sampling —
// e.g. "planar:K=16", "realnvp:K=4,hidden=64", "fullrank:objective=forward-kl",
// "meanfield:objective=renyi,alpha=0". Starts from `primary` (so what is not named keeps the
// primary's value) and replaces what is named. As on the command line, a key the fit's objective
// would ignore is an error (alpha without renyi, sampling without forward-kl, estimator or
// baseline with forward-kl, baseline without the score estimator). Throws std::invalid_argument
// naming the spec and what is wrong (unknown family or key, a key the family does not use, a bad
// value, an objective the family cannot serve).
vi::Scene parse_fit_spec(std::string_view spec, const vi::Scene& primary);

}  // namespace vilab
