export function reportersFor(name: string): any[];
