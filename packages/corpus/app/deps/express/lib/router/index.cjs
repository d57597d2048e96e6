/*!
 * express (trimmed for the nodestore corpus)
 * Copyright(c) 2009-2013 TJ Holowaychuk
 * Copyright(c) 2013 Roman Shtylman
 * Copyright(c) 2014-2015 Douglas Christopher Wilson
 * MIT Licensed
 */

"use strict";

var Layer = require("./layer.cjs");
var slice = Array.prototype.slice;

var proto = (module.exports = function Router(options) {
  var opts = options || {};

  function router(req, res, next) {
    router.handle(req, res, next);
  }

  Object.setPrototypeOf(router, proto);

  router.params = {};
  router.caseSensitive = opts.caseSensitive;
  router.mergeParams = opts.mergeParams;
  router.strict = opts.strict;
  router.stack = [];

  return router;
});

proto.use = function use(path, fn) {
  var callbacks = typeof path === "function" ? slice.call(arguments) : slice.call(arguments, 1);
  var mount = typeof path === "string" ? path : "/";

  for (var i = 0; i < callbacks.length; i++) {
    var layer = new Layer(mount, { end: false }, callbacks[i]);
    this.stack.push(layer);
  }

  return this;
};

proto.route = function route(method, path, fn) {
  var layer = new Layer(path, { end: true, method: method }, fn);
  this.stack.push(layer);
  return this;
};

proto.handle = function handle(req, res, out) {
  var self = this;
  var idx = 0;
  var stack = self.stack;
  var removed = "";

  req.next = next;
  req.baseUrl = req.baseUrl || "";
  req.originalUrl = req.originalUrl || req.url;

  next();

  function next(err) {
    var layerError = err === "route" ? null : err;

    if (removed.length !== 0) {
      req.baseUrl = req.baseUrl.slice(0, -removed.length);
      removed = "";
    }

    if (layerError) {
      return out(layerError);
    }

    // find next matching layer
    var layer;
    var match = false;

    while (match !== true && idx < stack.length) {
      layer = stack[idx++];
      match = layer.match(req.path);

      if (match && layer.method && layer.method !== req.method) {
        match = false;
      }
    }

    // no match
    if (match !== true) {
      return out(layerError);
    }

    trim_prefix(layer, layerError, layer.path, req.path);
  }

  function trim_prefix(layer, layerError, layerPath, path) {
    if (layerPath.length !== 0 && layerPath !== "/" && layer.end === false) {
      removed = layerPath;
      req.baseUrl += removed;
    }

    if (layerError) {
      layer.handle_error(layerError, req, res, next);
    } else {
      layer.handle_request(req, res, next);
    }
  }
};
