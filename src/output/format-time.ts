function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** supervisord's timestamp: local time, `2026-11-22 10:00:00,123`. */
export function formatTimestamp(date: Date): string {
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())},${pad(date.getMilliseconds(), 3)}`
  );
}

export function formatUptime(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const clock = `${hours}:${pad(minutes)}:${pad(seconds % 60)}`;
  return days > 0 ? `${days} day${days === 1 ? '' : 's'}, ${clock}` : clock;
}

const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** supervisord's stop time format: `Nov 22 10:00 AM`. */
export function formatStopTime(ms: number): string {
  const date = new Date(ms);
  const hours = date.getHours() % 12 === 0 ? 12 : date.getHours() % 12;
  return `${monthNames[date.getMonth()]} ${pad(date.getDate())} ${pad(hours)}:${pad(date.getMinutes())} ${date.getHours() < 12 ? 'AM' : 'PM'}`;
}
