// Memory against input size: fits each strategy's figures over the sizes of
// one dataset family (text-1MiB, text-4MiB, ...) and classifies the growth.
#pragma once

#include <string>
#include <vector>

#include "report/model.h"

namespace membench::analyze {

// Slope below which a figure is O(1): less than 1% of each added input byte.
inline constexpr double kConstantSlope = 0.01;
// Fit quality needed to call a growing figure O(n).
inline constexpr double kLinearR2 = 0.9;

// "text-64MiB" -> "text"; a name without a size suffix is its own family.
std::string dataset_family(const std::string& dataset);

std::string classify(double slope, double r2);

// One fit per (workload, strategy, allocator, family, metric) with three or
// more distinct input sizes among ok cases.
std::vector<report::ScalingFit> fit_scaling(const std::vector<report::CaseResult>& results);

// Fails the cases of every strategy whose declared memory class (its
// registration) the peak-RSS fit contradicts, saying both; names the declared
// class in each checked fit. Returns how many cases it failed.
std::size_t check_memory_classes(report::Report& report);

}  // namespace membench::analyze
