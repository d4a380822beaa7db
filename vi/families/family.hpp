// vi/families/family.hpp — a variational family q_φ, sampled by reparameterization z = T_φ(ε).
//
// φ is one flat vector, so every optimizer, the history and the snapshot treat every family
// alike. A family knows how to push base draws ε forward (with log q along the path), how to run
// that pass backward to ∂/∂φ, and how to evaluate log q at arbitrary points (for contours and the
// grid KL). A Run owns its Family, so families may keep mutable scratch space: a step allocates
// nothing after warm-up.
#pragma once

#include "vi/core/types.hpp"

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vi {

class Family {
 public:
  virtual ~Family() = default;

  virtual std::string name() const = 0;
  int dim() const { return dim_; }
  // Rows of the base draws ε (dim() for most families; dim() + r for a low-rank Gaussian,
  // whose z = μ + d ⊙ ε₁ + B ε₂ draws ε₂ in r extra dimensions).
  virtual int base_dim() const { return dim_; }
  virtual int num_params() const = 0;
  // Human-readable names of the entries of φ ("μ1", "log σ2", "L21"…), for tables and step-through.
  virtual std::vector<std::string> param_names() const = 0;

  // φ for a q centred at `mean` with every marginal standard deviation e^{log_sd}.
  virtual Vec initial_params(const Vec& mean, double log_sd) const = 0;

  // z(:, s) = T_φ(ε(:, s)) and log_q(s) = log q_φ(z(:, s)) = log N(ε; 0, I) − log|det ∂T/∂ε|.
  // Outputs are sized by the caller (dim × S and S).
  virtual void forward(const Vec& phi, const Mat& eps, Mat& z, Vec& log_q) const = 0;

  // Adds to g_phi the gradient with respect to φ of  Σ_s g_z(:, s)·z_s + g_lq(s)·log_q_s,  where
  // z_s and log_q_s are the outputs of forward() for the same φ and ε (the chain rule through
  // the reparameterization path).
  virtual void backward(const Vec& phi, const Mat& eps, const Mat& g_z, const Vec& g_lq,
                        Vec& g_phi) const = 0;

  // log q_φ(z) at arbitrary points (columns of z).
  virtual void log_density(const Vec& phi, const Mat& z, Vec& log_q) const = 0;

  // The score at fixed points: adds Σ_s c(s)·∂log q_φ(z_s)/∂φ to g_phi and, when grad_z is
  // non-null, writes ∇_z log q_φ(z_s) to its columns. Mixtures combine their components'
  // scores with it; the score-function and STL estimators need it too. Families that do not
  // provide it throw std::logic_error.
  virtual bool has_log_density_grad() const { return false; }
  virtual void log_density_grad(const Vec& phi, const Mat& z, const Vec& c, Vec& g_phi, Mat* grad_z) const;

  // Monte Carlo weights. Estimators are weighted sums Σ_s a_s f(z_s) over the columns forward()
  // produced. Families that draw i.i.d. from q have a_s = 1/S; a mixture stratifies its draws
  // by component and weights them by π_k / S_k, which depends on φ (add_weight_grad adds
  // Σ_s g_a(s) ∂a_s/∂φ to g_phi).
  virtual bool stratified() const { return false; }
  virtual void sample_weights(const Vec& /*phi*/, Vec& a) const { a.setConstant(1.0 / double(a.size())); }
  virtual void add_weight_grad(const Vec& /*phi*/, const Vec& /*g_a*/, Vec& /*g_phi*/) const {}

  // Independent draws of q for display, from base draws ε and uniforms u (one per column, for a
  // mixture's choice of component). Default: forward().
  virtual void sample(const Vec& phi, const Mat& eps, const Vec& u, Mat& z) const;

  // Closed-form entropy H[q_φ] and its gradient (added to g), where one exists.
  virtual bool has_analytic_entropy() const { return false; }
  virtual double entropy(const Vec& /*phi*/) const { return 0; }
  virtual void add_entropy_grad(const Vec& /*phi*/, Vec& /*g*/) const {}

  // Whether log_density is cheap enough for the quadrature grids at every history point (tens of
  // thousands of points). Flows invert numerically or through networks and say no: their
  // history records the Monte Carlo KL(q‖p) only; snapshots still compute every metric.
  virtual bool cheap_density() const { return true; }

  // True when q_φ is exactly N(moments(φ)) (the Gaussian families): divergences to a Gaussian
  // posterior are then closed forms.
  virtual bool gaussian() const { return false; }

  // Mean and covariance of q_φ.
  virtual Moments moments(const Vec& phi) const = 0;

  // A box that holds all but a negligible part of q's mass (2D only): the app evaluates q's
  // density on a grid over this box to draw contours, so narrow q's stay sharp.
  virtual Box mass_box(const Vec& phi) const;

  // false when φ does not define a valid q (non-finite entries, degenerate scale).
  virtual bool valid(const Vec& phi) const { return phi.allFinite(); }

  // Restores the family's constraints after an optimizer update (e.g. the planar flow's
  // w·u ≥ −1, or a mixture's weights on the simplex). Families with free parameters do nothing.
  virtual void project(Vec& /*phi*/) const {}

  // [SECTION] Layered families (normalizing flows): for the layer scrubber.
  // A flow is z = f_K ∘ … ∘ f_1 (z_0) on top of a base z_0 = μ + σ ⊙ ε. num_layers() = K
  // (0 for non-flows). push_layers moves points x from the input of layer `first` through layers
  // first … last−1 (0-based) in place, adding each layer's log|det ∂f/∂x| to log_det.
  virtual int num_layers() const { return 0; }
  virtual void base_transform(const Vec& /*phi*/, const Mat& eps, Mat& z0) const { z0 = eps; }
  virtual void push_layers(const Vec& /*phi*/, int /*first*/, int /*last*/, Mat& /*x*/, Vec& /*log_det*/) const {}

 protected:
  explicit Family(int dim) : dim_(dim) {}

 private:
  int dim_;
};

// A parameter's display name: indexed_name("L", {2, 1}) = "L21", ("B", {1, 2}, ",") = "B1,2".
std::string indexed_name(std::string_view base, std::initializer_list<int> indices, std::string_view sep = "");

// The sizes of the families that have any, in one value a Scene carries. Which fields a family
// reads, their ranges, defaults and help are in its registry entry (FamilyInfo::params and
// ::choices, defined in the family's own file); the defaults here equal the tables' (a test keeps
// them so). The Gaussian families ignore every field.
struct FamilyOptions {
  int K = 8;        // layers: planar/radial depth, RealNVP coupling layers
  int hidden = 32;  // RealNVP conditioner: width of each hidden layer
  int depth = 2;    // RealNVP conditioner: number of tanh hidden layers ("layers" on the command line)
  int rank = 1;     // lowrank: the rank r of B in Σ = diag(d²) + BBᵀ
  int components = 3;                  // mixture: number of components K
  std::string component = "fullrank";  // mixture: "fullrank" or "meanfield" components
  bool operator==(const FamilyOptions&) const = default;
};

// [SECTION] The registry: each family's options and capabilities, asked without building one

// One whole-number size option of a family. `spec` holds its name (the CLI flag --name, the fit
// spec's key, the run summary's key), default, inclusive range and the help the controls show;
// every reader (Scene::validate through make_family, the CLI, scene files, fit specs, the run
// summary, the sliders) takes the range from here.
struct FamilyParam {
  ParamSpec spec;
  std::string label = {};               // how messages and sliders name it: "depth K"
  int FamilyOptions::*field = nullptr;  // where its value lives
  std::string file_key = {};            // the scene file's key, when it differs from spec.name ("depth")
  bool log_slider = false;              // the slider moves on a log scale (widths)
  bool slider_stops_at_dim = false;     // a value above the dimension D adds nothing: the slider ends at D
  const std::string& key() const { return file_key.empty() ? spec.name : file_key; }
};

// One option chosen from a list of names (the mixture's component kind).
struct FamilyChoice {
  std::string name;                             // CLI flag, fit-spec key, scene-file and summary key
  std::string label;                            // how messages name it: "component family"
  std::string FamilyOptions::*field = nullptr;  // where its value lives
  std::vector<std::string> allowed;             // the first is the default
  std::string help;
};

// What a family can serve, as its objects report it (a test builds every family and compares), so
// that the objective widgets, the controls and the layer scrubber's slider can ask by name.
struct FamilyCapabilities {
  bool score = false;             // ∇φ log q at fixed points (has_log_density_grad): forward KL, score, STL
  bool analytic_entropy = false;  // closed-form H[q] (has_analytic_entropy)
  bool stratified = false;        // draws stratified by component (stratified): Rényi takes reparam only
  bool gaussian = false;          // q is exactly N(moments(φ)) (gaussian)
  bool cheap_density = true;      // log q cheap enough for the history's grids (cheap_density)
  bool layered = false;           // a flow of FamilyOptions::K layers (num_layers() == K)
  bool operator==(const FamilyCapabilities&) const = default;
};

// What a family object says about itself, in the registry's terms.
FamilyCapabilities capabilities_of(const Family& family);

struct FamilyInfo {
  std::string name;     // "meanfield", "fullrank", "planar", "radial", "realnvp"
  std::string summary;  // one line for `vilab list` and tooltips
  // Builds the family from options already checked against `params` and `choices`.
  std::unique_ptr<Family> (*make)(int dim, const FamilyOptions& options);
  std::vector<FamilyParam> params;    // the whole-number sizes `make` reads
  std::vector<FamilyChoice> choices;  // the named options `make` reads
  FamilyCapabilities capabilities;
};

const std::vector<FamilyInfo>& family_registry();
std::vector<std::string> family_names();
// The registry entry of `name`; throws std::invalid_argument "family: unknown family 'x' (allowed: …)".
const FamilyInfo& family_info(std::string_view name);
// Whether family `name` reads the option called `option` (a FamilyParam's or FamilyChoice's name).
bool family_uses(std::string_view name, std::string_view option);
// Every option any family reads, once each, in FamilyOptions' order (the first family's entry for
// it: a test checks that families sharing an option agree on its range, default and field). What
// the CLI's flags, the scene file's [family_options] and the run summary iterate.
const std::vector<FamilyParam>& all_family_params();
const std::vector<FamilyChoice>& all_family_choices();
// The families that read `option`, joined: "planar, radial, realnvp".
std::string families_using(std::string_view option);
// One line for a command-line flag's help: who reads the option, in their words, and its range:
// "planar, radial: depth K; realnvp: coupling layers K (1 … 64)", "mixture: component family
// (fullrank, meanfield)".
std::string family_option_help(std::string_view option);
// Throws std::invalid_argument naming the family and the option ("planar: depth K is 0, but must
// be in [1, 64]"; "mixture: component family 'x' (allowed: fullrank, meanfield)").
void check_family_param(std::string_view family, const FamilyParam& param, int value);
void check_family_choice(std::string_view family, const FamilyChoice& choice, const std::string& value);
// Checks the options `name` reads (and only those) against its tables.
void check_family_options(std::string_view name, const FamilyOptions& options);
// The number of layers of family `name` with `options` (0 = not a flow), without building it.
int family_num_layers(std::string_view name, const FamilyOptions& options);
// The most layers any family may have: the upper bound of the layered families' K (the layer
// scrubber's last layer).
int max_family_layers();
// Throws std::invalid_argument "family: unknown family 'x' (allowed: ...)", or the family's own
// message for options out of range.
std::unique_ptr<Family> make_family(std::string_view name, int dim, const FamilyOptions& options = {});

}  // namespace vi
