"use strict";

const { greet } = require("@course/greeting");

console.log(greet(process.env.GREET_NAME || "learner"));
