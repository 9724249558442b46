'use strict';
// HTTP/1.1 keep-alive under wrk, 50 connections, one request at a time each.
module.exports = require('../http/drive').httpScenario('http', { connections: 50, depth: 1 });
