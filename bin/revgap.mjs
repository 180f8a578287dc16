#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so a fresh clone needs only `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
