/** Reminders before a grace period ends (to be built). */
export async function remindGrace(_now = new Date()): Promise<{ reminded: string[] }> {
  return { reminded: [] };
}
