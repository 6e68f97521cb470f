// PLACEHOLDER — people import, backup and restore commands are being added (see issue 2).
import type { Command } from 'commander';
export function registerDataCommands(_program: Command, _imp: Command, _common: (c: Command) => Command, _configFrom: unknown) {}
