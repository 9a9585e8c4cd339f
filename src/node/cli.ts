#!/usr/bin/env node
// The nfwasm command line. Argument parsing: commander (well kept, --help on every command).
import { Command, Option } from 'commander';
import { RulesetError } from '../ruleset/errors.js';
import { formatSave } from '../ruleset/print-save.js';
import { formatList } from '../ruleset/print-list.js';
import { TABLE_NAMES, type TableName } from '../ruleset/types.js';
import type { ClassifyOptions } from './commands/classify.js';
import { RECORD_FORMATS } from '../output/encode.js';
import { ONLY_KEYWORDS } from '../output/only.js';
// Commands are imported when run: a start-up loads only the modules its command needs.
import { loadRulesetFile, printWarnings } from './load.js';

// `nfwasm save rules | head`: the reader going away ends the output, not the process with a
// stack trace (classify's own output also notes it and still writes its counter files).
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

const program = new Command();
program
  .name('nfwasm')
  .description('Linux netfilter (iptables, conntrack, FTP helper) simulated offline in WebAssembly')
  .showHelpAfterError();

program
  .command('save')
  .description('print a ruleset (iptables-save text or an iptables command script) as iptables-save prints it')
  .argument('<rules>', 'ruleset file, or - for stdin')
  .option('-c, --counters', 'include packet and byte counters')
  .action((rules: string, o: { counters?: boolean }) => {
    const ruleset = loadRulesetFile(rules);
    printWarnings(ruleset.warnings);
    process.stdout.write(formatSave(ruleset, { counters: !!o.counters }));
  });

program
  .command('list')
  .description('print a ruleset as `iptables -L` prints it')
  .argument('<rules>', 'ruleset file, or - for stdin')
  .argument('[chain]', 'only this chain')
  .addOption(new Option('-t, --table <table>', 'table').choices(TABLE_NAMES as string[]).default('filter'))
  .option('-v, --verbose', 'counters and interfaces')
  .option('-n, --numeric', 'numeric addresses and ports')
  .option('-x, --exact', 'exact counter values')
  .option('--line-numbers', 'rule numbers')
  .action((rules: string, chain: string | undefined, o: { table: TableName; verbose?: boolean; numeric?: boolean; exact?: boolean; lineNumbers?: boolean }) => {
    const ruleset = loadRulesetFile(rules);
    printWarnings(ruleset.warnings);
    process.stdout.write(formatList(ruleset, { table: o.table, chain, verbose: o.verbose, numeric: o.numeric, exact: o.exact, lineNumbers: o.lineNumbers }));
  });

program
  .command('classify')
  .description('run a capture (pcap, pcapng), JSON-lines packet records or kernel LOG lines through the ruleset: one output record per frame/record/line')
  .argument('<capture>', 'pcap, pcapng, JSON lines (docs/packet-records.md) or LOG lines (docs/log-lines.md); - for stdin')
  .requiredOption('-r, --rules <file>', 'ruleset (iptables-save text or iptables command script)')
  .option('-H, --host <file>', 'host model JSON (docs/host-model.md); omitted: a single-homed host')
  .option('-o, --records <file>', 'where the per-packet records go (- = stdout)', '-')
  .addOption(new Option('-f, --format <format>', 'record format (docs/outputs.md)').choices([...RECORD_FORMATS]).default('jsonl'))
  .option('--only <list>', `write only these records: comma list of verdicts and ctstates (${ONLY_KEYWORDS.join(', ')}); the summary and counters count all`)
  .option('--save-counters <file>', 'write iptables-save -c text with the counters after the run')
  .option('--list-counters <file>', 'write iptables -L -v -n --line-numbers of every table with the counters after the run')
  .option('--conntrack <file>', 'write the final conntrack table and expectations (conntrack -L, conntrack -L expect)')
  .option('-w, --write <file>', 'write the capture as pcapng with a comment per packet (verdict, rule, ctstate), for Wireshark')
  .option('-i, --in <iface>', 'in-interface of captured frames whose capture names none (pcap, SLL)')
  .option('-j, --workers <n>', 'worker threads to shard the input across by address pair (docs/bench.md: counters exact; recent, limit, hashlimit and conntrack limits per shard)')
  .option('-q, --quiet', 'no summary, notes or progress on stderr')
  .action(async (capture: string, o: ClassifyOptions) => {
    const { classifyCommand } = await import('./commands/classify.js');
    await classifyCommand(capture, o);
  });

program
  .command('bench')
  .description('compare rule layouts on a capture: throughput, rules examined per packet and per chain, and (two rulesets) the packets whose verdict differs')
  .argument('<files...>', 'RULES_A [RULES_B] CAPTURE: one or two rulesets, then a capture (pcap, pcapng, JSON lines, LOG lines)')
  .option('-H, --host <file>', 'host model JSON')
  .option('--show <n>', 'differing packets to show (all are counted)', '10')
  .option('-i, --in <iface>', 'in-interface of captured frames whose capture names none')
  .action(async (files: string[], o: { host?: string; show: string; in?: string }) => {
    const { benchCommand } = await import('./commands/bench.js');
    process.stdout.write(await benchCommand(files, { host: o.host, show: Number(o.show), in: o.in, quiet: false }));
  });

program
  .command('trace')
  .description('TRACE one packet: every rule it met and the verdict ("why was this packet dropped")')
  .argument('<packet>', "e.g. 'tcp 198.51.100.7:41327 > 203.0.113.10:21 syn in eth0'")
  .requiredOption('-r, --rules <file>', 'ruleset')
  .option('-H, --host <file>', 'host model JSON')
  .action(async (spec: string, o: { rules: string; host?: string }) => {
    const { traceCommand } = await import('./commands/trace.js');
    process.stdout.write(await traceCommand(spec, o));
  });

program
  .command('demo')
  .description('run the bundled example (an FTP server with INPUT DROP) and print verdicts and counters')
  .action(async () => {
    const { demoCommand } = await import('./commands/demo.js');
    process.stdout.write((await demoCommand()) + '\n');
  });

program
  .command('conformance')
  .description('replay a capture through the real kernel (root, Linux: throw-away network namespaces) and through nfwasm, and show where they differ')
  .argument('<rules>', 'ruleset loaded into the lab router (iptables-save text or an iptables command script)')
  .argument('<capture>', 'pcapng whose interfaces are eth0 (client side) and eth1 (server side) of the router')
  .option('-H, --host <file>', "nfwasm's host model (default: the lab router, docs/conformance.md)")
  .addOption(new Option('--backend <backend>', 'iptables backend in the kernel').choices(['legacy', 'nft']).default('legacy'))
  .action(async (rules: string, capture: string, o: { host?: string; backend: 'legacy' | 'nft' }) => {
    const { conformanceCommand } = await import('./commands/conformance.js');
    process.exitCode = await conformanceCommand(rules, capture, o);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof RulesetError || err instanceof Error ? err.message : String(err);
  process.stderr.write(`nfwasm: ${message}\n`);
  process.exit(err instanceof RulesetError ? 2 : 1);
});
