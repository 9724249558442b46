'use strict';
// TCP ping-pong on 50 connections at once: where completions that arrive
// in the same turn of the loop are settled together. The code is
// tcp-pingpong's; the round trips are split among the connections.
module.exports = require('./tcp-pingpong').pingpong('tcp-pingpong-many', 50);
