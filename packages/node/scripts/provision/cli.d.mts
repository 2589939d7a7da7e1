/** Runs `kd-node` with `argv` (without the node and script paths); resolves to the exit code. */
export declare function runCli(argv: string[], env?: NodeJS.ProcessEnv): Promise<number>;
