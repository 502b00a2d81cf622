#!/usr/bin/env node
// Thin shim so `npx auditledge` works from a fresh clone: `npm ci` builds dist/ in `prepare`.
import '../dist/cli.js';
