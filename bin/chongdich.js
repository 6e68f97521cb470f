#!/usr/bin/env node
// Entry point: runs the TypeScript CLI through tsx so a fresh clone needs no build step for the server.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/index.ts');
