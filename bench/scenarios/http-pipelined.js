'use strict';
// HTTP/1.1 keep-alive under wrk, 50 connections, 16 requests pipelined.
module.exports = require('../http/drive').httpScenario('http-pipelined', { connections: 50, depth: 16 });
