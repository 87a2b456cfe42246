import { Injectable } from '@nestjs/common';
import Holidays from 'date-holidays';

/** German public holidays per Bundesland, from the maintained date-holidays data set. */
@Injectable()
export class HolidayService {
  private readonly cache = new Map<string, Map<string, string>>();

  private year(state: string, year: number): Map<string, string> {
    const key = `${state}:${year}`;
    let days = this.cache.get(key);
    if (!days) {
      const holidays = new Holidays('DE', state);
      days = new Map((holidays.getHolidays(year, 'de') || []).filter((h) => h.type === 'public').map((h) => [h.date.slice(0, 10), h.name] as const));
      this.cache.set(key, days);
    }
    return days;
  }

  /** The holiday's name when `date` (YYYY-MM-DD) is a public holiday in the Bundesland, else null. */
  holidayName(state: string, date: string): string | null {
    return this.year(state, Number(date.slice(0, 4))).get(date) ?? null;
  }
}
