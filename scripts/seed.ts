/** Seeds demo data into the local table (placeholder until the subscriber domain lands). */
export async function seed(): Promise<string[]> {
  return [];
}
