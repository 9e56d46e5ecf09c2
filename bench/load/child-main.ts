/** Entry glue of a load-generator child: parse the JSON config argument, run, print one JSON line. */
export function runLoadChild<Config, Result>(run: (config: Config) => Promise<Result>): void {
  const argument = process.argv[2];
  if (argument === undefined) {
    process.stderr.write('load child needs its JSON config as the first argument\n');
    process.exit(2);
  }
  const config = JSON.parse(argument) as Config;
  run(config).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
