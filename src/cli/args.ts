// parseArgs takes `--threads -1` for a flag missing its value ("argument is
// ambiguous") and tells the user to write `--threads=-1`. No option of ours is
// a digit, so a negative number after an option that takes a value is that
// value: joined here, it reaches the option's own check, which says what to pass.

type Options = Readonly<Record<string, { readonly type: 'string' | 'boolean' }>>;

export function joinNegativeValues(args: readonly string[], options: Options): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      joined.push(...args.slice(i)); // after '--' nothing is an option
      break;
    }
    const next = args[i + 1];
    const takesValue = arg.startsWith('--') && options[arg.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}
