// vi/optim/optimizer.cpp — SGD, heavy-ball momentum and Adam, and their registry.
#include "vi/optim/optimizer.hpp"

#include "vi/core/registry.hpp"

#include <cmath>

namespace vi {

namespace {

class Sgd final : public Optimizer {
 public:
  std::unique_ptr<Optimizer> clone() const override { return std::make_unique<Sgd>(*this); }
  std::string name() const override { return "sgd"; }
  void reset(Eigen::Index) override {}
  void ascend(Vec& phi, const Vec& grad, double lr) override { phi.noalias() += lr * grad; }
};

// Heavy-ball momentum: v ← β v + g, φ ← φ + lr v.
class Momentum final : public Optimizer {
 public:
  std::unique_ptr<Optimizer> clone() const override { return std::make_unique<Momentum>(*this); }
  std::string name() const override { return "momentum"; }
  void reset(Eigen::Index n) override { v_ = Vec::Zero(n); }
  void ascend(Vec& phi, const Vec& grad, double lr) override {
    v_ = beta_ * v_ + grad;
    phi.noalias() += lr * v_;
  }
  std::vector<std::pair<std::string, const Vec*>> state() const override { return {{"velocity", &v_}}; }

 private:
  double beta_ = 0.9;  // the usual default
  Vec v_;
};

// Adam (Kingma & Ba 2015) with the bias corrections, β1 = 0.9, β2 = 0.999, ε = 1e-8.
class Adam final : public Optimizer {
 public:
  std::unique_ptr<Optimizer> clone() const override { return std::make_unique<Adam>(*this); }
  std::string name() const override { return "adam"; }
  void reset(Eigen::Index n) override {
    m_ = Vec::Zero(n);
    v_ = Vec::Zero(n);
    t_ = 0;
  }
  void ascend(Vec& phi, const Vec& grad, double lr) override {
    ++t_;
    m_ = b1_ * m_ + (1 - b1_) * grad;
    v_ = b2_ * v_ + (1 - b2_) * grad.cwiseAbs2();
    const double c1 = 1 - std::pow(b1_, double(t_)), c2 = 1 - std::pow(b2_, double(t_));
    phi.array() += lr * (m_.array() / c1) / ((v_.array() / c2).sqrt() + eps_);
  }
  std::vector<std::pair<std::string, const Vec*>> state() const override {
    return {{"m (first moment)", &m_}, {"v (second moment)", &v_}};
  }

 private:
  double b1_ = 0.9, b2_ = 0.999, eps_ = 1e-8;
  Vec m_, v_;
  int64_t t_ = 0;
};

}  // namespace

const std::vector<OptimizerInfo>& optimizer_registry() {
  static const std::vector<OptimizerInfo> registry{
      {"sgd", "plain stochastic gradient ascent: φ ← φ + lr·g",
       []() -> std::unique_ptr<Optimizer> { return std::make_unique<Sgd>(); }},
      {"momentum", "heavy-ball momentum (β = 0.9): v ← βv + g, φ ← φ + lr·v",
       []() -> std::unique_ptr<Optimizer> { return std::make_unique<Momentum>(); }},
      {"adam", "Adam (β₁ = 0.9, β₂ = 0.999): per-parameter step sizes from gradient moments",
       []() -> std::unique_ptr<Optimizer> { return std::make_unique<Adam>(); }},
  };
  return registry;
}

std::vector<std::string> optimizer_names() { return registry_names(optimizer_registry()); }

std::unique_ptr<Optimizer> make_optimizer(std::string_view name) {
  return registry_find(optimizer_registry(), "optimizer", "optimizer", name).make();
}

}  // namespace vi
