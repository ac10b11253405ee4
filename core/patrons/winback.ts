/** Win-back emails, WINBACK_DAYS after a membership lapsed (to be built). */
export async function winBack(_now = new Date()): Promise<{ sent: string[] }> {
  return { sent: [] };
}
