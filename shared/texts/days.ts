/** Day names as the bot writes them (service hours, when librarians answer again). */
import type { Language } from "../envelope";

const DAY_NAMES: Record<Language, Record<string, string>> = {
  id: { mon: "Senin", tue: "Selasa", wed: "Rabu", thu: "Kamis", fri: "Jumat", sat: "Sabtu", sun: "Minggu" },
  en: {
    mon: "Monday",
    tue: "Tuesday",
    wed: "Wednesday",
    thu: "Thursday",
    fri: "Friday",
    sat: "Saturday",
    sun: "Sunday",
  },
};

export const dayName = (lang: Language, day: string) => DAY_NAMES[lang][day] ?? day;
