// app/io/export_csv.cpp — the traces CSV (columns in app/io/export_csv.hpp).
#include "app/io/export_csv.hpp"

#include <cmath>
#include <cstdio>

namespace vilab {

namespace {

// Shortest text that reads back as the same double (%.17g), empty for NaN.
void number(std::ostream& out, double v) {
  if (std::isnan(v)) return;
  if (std::isinf(v)) {
    out << (v > 0 ? "inf" : "-inf");
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  out << buf;
}

}  // namespace

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string q = "\"";
  for (char c : text) {
    if (c == '"') q += '"';
    q += c;
  }
  q += '"';
  return q;
}

TraceRow trace_row(const vi::HistoryPoint& p) {
  TraceRow r;
  r.step = p.step;
  r.elbo_estimate = p.elbo_estimate;
  r.objective_estimate = p.objective_estimate;
  r.has_metrics = true;
  r.elbo = p.elbo;
  r.kl_q_p = p.kl_q_p;
  r.kl_p_q = p.kl_p_q;
  r.e_log_p = p.e_log_p;
  r.entropy = p.entropy;
  return r;
}

void write_traces_header(std::ostream& out, const vi::Scene& s, const std::vector<std::string>& names,
                         const std::string& source) {
  out << "# vilab traces, written by " << source << ": target " << s.target << ", family " << s.family
      << ", objective " << s.objective << ", optimizer " << s.optimizer << ", lr " << s.lr << ", S = " << s.samples
      << ", seed " << s.seed << "\n"
      << "# step: optimizer steps taken. elbo_estimate: the training step's Monte Carlo ELBO (reverse KL only). "
         "objective_estimate: the step's estimate of the objective it maximizes.\n"
      << "# elbo, kl_q_p, kl_p_q, e_log_p, entropy: every " << s.metrics_every
      << " steps (metrics_every), on the fixed metric draws or by quadrature; KL(p||q) only where known.\n"
      << "# the remaining columns: the family's parameters phi after the step. An empty cell: not computed at "
         "this step (or NaN).\n";
  out << "step,elbo_estimate,objective_estimate,elbo,kl_q_p,kl_p_q,e_log_p,entropy";
  for (const std::string& n : names) out << ',' << csv_cell(n);
  out << '\n';
}

void write_traces_row(std::ostream& out, const TraceRow& r, size_t n_params) {
  out << r.step << ',';
  number(out, r.elbo_estimate);
  out << ',';
  number(out, r.objective_estimate);
  for (double v : {r.elbo, r.kl_q_p, r.kl_p_q, r.e_log_p, r.entropy}) {
    out << ',';
    if (r.has_metrics) number(out, v);
  }
  for (size_t i = 0; i < n_params; ++i) {
    out << ',';
    if (i < r.phi.size()) number(out, r.phi[i]);
  }
  out << '\n';
}

void write_snapshot_traces(std::ostream& out, const vi::Snapshot& snap) {
  write_traces_header(out, snap.scene, snap.param_names, "the vilab app (the engine's recorded history)");
  const vi::ParamTrace& params = snap.param_history;
  const bool params_match = params.dim() == int(snap.param_names.size());
  for (const vi::HistoryPoint& p : snap.history) {
    TraceRow r = trace_row(p);
    if (params_match)
      if (const long i = params.find(p.step); i >= 0) r.phi = params.phi(size_t(i));
    write_traces_row(out, r, snap.param_names.size());
  }
  // The snapshot's own step when it is between history points: the current φ ends the file.
  if (snap.history.empty() || snap.history.back().step < snap.step) {
    const vi::Metrics& m = snap.metrics;
    TraceRow r = trace_row({snap.step, m.elbo_estimate, m.elbo, m.kl_q_p, m.kl_p_q, m.objective_estimate, m.e_log_p, m.entropy});
    r.phi = std::span<const double>(snap.phi.data(), size_t(snap.phi.size()));
    write_traces_row(out, r, snap.param_names.size());
  }
}

}  // namespace vilab
