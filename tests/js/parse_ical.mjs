// Read an iCalendar file with ical.js (Mozilla's parser, the one Thunderbird uses) and print,
// as JSON, each event's UID, start (UTC, or the date of an all-day event), end and summary.
// Exit status 1, with the error on stderr, when the file does not parse.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(process.argv[2], "utf8");
let vcalendar;
try {
  vcalendar = new ICAL.Component(ICAL.parse(text));
} catch (error) {
  console.error(`ical.js could not parse the feed: ${error.message}`);
  process.exit(1);
}
for (const vtimezone of vcalendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}
const out = [];
for (const vevent of vcalendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  const start = event.startDate;
  const end = vevent.hasProperty("dtend") ? event.endDate : null;
  const show = (t) => (t === null ? null : t.isDate ? t.toString() : t.toUnixTime());
  out.push({
    uid: event.uid,
    allDay: start.isDate,
    start: show(start),
    end: show(end),
    summary: event.summary,
    description: event.description,
    sequence: event.sequence,
    alarms: vevent.getAllSubcomponents("valarm").length,
  });
}
console.log(JSON.stringify({ name: vcalendar.getFirstPropertyValue("x-wr-calname"), events: out }));
