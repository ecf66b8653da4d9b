"use strict";

// Deliberately tiny: what matters in the exercise is how the build gets permission to install it.
exports.greet = function greet(name) {
  return `Hello, ${name}, from a private package.`;
};
