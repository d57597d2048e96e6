export function reportersFor(name: string): unknown[];
