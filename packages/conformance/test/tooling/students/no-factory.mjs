// Exports no createStudent: the CLI must say so.
export const inputShape = [3];
