import { describe, expect, it } from 'vitest';
import { readUtterance } from '../../src/observer/clause-reader.js';
import type { Finding, Utterance } from '../../src/observer/extract.js';
import { normaliseSpeech } from '../../src/observer/speech-text.js';
import { observeTranscript, parseTranscript } from '../../src/observer/transcript.js';
import { localIsoDate } from '../../src/observer/zoned-time.js';

// Sentences written for these tests (not taken from the evaluation sets). Wednesday 2026-03-11, 09:00 New York.
const zone = 'America/New_York';
const now = Date.parse('2026-03-11T09:00:00-04:00');
const opts = { timeZone: zone };

function u(speaker: string, text: string, i = 0): Utterance {
  return { speaker, text, saidAt: now + i * 3000 };
}
function todos(findings: Finding[]): string[] {
  return findings.flatMap((f) => (f.type === 'todo' ? [f.todo.text] : []));
}
function read(...lines: string[]): Finding[] {
  const us = lines.map((l, i) => u(l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim(), i));
  return readUtterance(us.at(-1)!, us.slice(0, -1), opts);
}
/** The to-dos the whole observer keeps for a conversation, with due dates in New York. */
async function kept(...lines: string[]): Promise<{ text: string; due: string | null }[]> {
  const records = await observeTranscript(parseTranscript(lines.join('\n')).lines, { now, timeZone: zone });
  return records.map((r) => ({ text: r.text, due: r.dueDate ?? (r.dueAt === null ? null : localIsoDate(r.dueAt, zone)) }));
}

describe('normaliseSpeech', () => {
  it('spells out whisper spellings, contractions and homophones of "to", and drops fillers and stutters', () => {
    expect(normaliseSpeech('ok ill grab the, the, uh, mail two the office')).toBe('ok I will grab the mail to the office');
    expect(normaliseSpeech("remind me two water the ferns, I'm gonna forget")).toBe('remind me to water the ferns, I am going to forget');
    expect(normaliseSpeech('I need to, um, I need to, like, book it')).toBe('I need to book it');
    expect(normaliseSpeech('pay the sitter tmrw or thurs')).toBe('pay the sitter tomorrow or Thursday');
    expect(normaliseSpeech('call them 2morrow, not weds')).toBe('call them tomorrow, not Wednesday');
    expect(normaliseSpeech("the car's due for a service and rent's overdue")).toBe('the car is due for a service and rent is overdue');
    expect(normaliseSpeech("grab Leo's cleats")).toBe("grab Leo's cleats");
  });
});

describe('the clause reader: whose commitment it is', () => {
  it('reads first-person commitments as imperative to-dos', () => {
    expect(todos(read('USER: I need to renew my passport.'))).toEqual(['renew my passport']);
    expect(todos(read("USER: I'll call the plumber about the leak."))).toEqual(['call the plumber about the leak']);
    expect(todos(read('USER: remind me to defrost the chicken'))).toEqual(['defrost the chicken']);
    expect(todos(read('USER: I have to return the rental car.'))).toEqual(['return the rental car']);
  });

  it('does not take advice to others, past tasks, hypotheticals, quotes or TV speech', () => {
    expect(todos(read('USER: You should really call the bank about that charge.'))).toEqual([]);
    expect(todos(read('USER: I called the insurance company yesterday.'))).toEqual([]);
    expect(todos(read('USER: If I had a free weekend I would repaint the fence.'))).toEqual([]);
    expect(todos(read("USER: Maybe one day I'll learn to play the cello."))).toEqual([]);
    expect(todos(read('USER: And my boss goes "I need to see the budget by Monday," just like that.'))).toEqual([]);
    expect(todos(read('TV: Call now and order your free sample today!'))).toEqual([]);
    expect(todos(read('USER: I should probably go running more often, I guess.'))).toEqual([]);
  });

  it('takes a request the wearer accepts, and not one the wearer declines', () => {
    expect(todos(read('PAT: Could you water my tomatoes while I am away?', 'USER: Sure, no problem.'))).toEqual(["water Pat's tomatoes"]);
    expect(todos(read('PAT: Could you water my tomatoes while I am away?', "USER: Sorry, I can't this week."))).toEqual([]);
  });
});

describe('the clause reader: clean text', () => {
  it('cuts the date phrase without leaving dangling words', () => {
    const f = read('USER: I have to pay the electricity bill by the twentieth.');
    expect(todos(f)).toEqual(['pay the electricity bill']);
    expect(f[0]?.type === 'todo' ? f[0].todo.due?.date : undefined).toBe('2026-03-20');
    expect(todos(read("USER: i gotta drop off the dry cleaning before friday's meeting so yeah"))).toEqual(['drop off the dry cleaning']);
  });

  it('resolves a pronoun object to the thing or person named just before', () => {
    expect(todos(read('USER: The insurance renewal form arrived.', "USER: I'll fill it out tonight."))).toEqual(['fill the insurance renewal form out']);
    expect(todos(read('USER: Our neighbour Ruth is back from the hospital.', 'USER: I need to visit her this weekend.'))).toEqual(['visit Ruth']);
  });

  it('splits coordinated objects and verbs, but keeps "sign it and send it back" together', () => {
    expect(todos(read("USER: I'll pick up eggs and butter."))).toEqual(['pick up eggs', 'pick up butter']);
    expect(todos(read('USER: I need to email the tutor and book the gym for Saturday.'))).toEqual(['email the tutor', 'book the gym']);
    expect(todos(read('USER: The club waiver came.', 'USER: I need to sign it and send it back.'))).toEqual(['sign the club waiver and send it back']);
  });
});

describe('the clause reader: following a task through the conversation', () => {
  it('drops a task the wearer cancels', async () => {
    expect(await kept("USER: I'll book the restaurant for Friday.", 'KIM: They are closed for renovations.', 'USER: Oh, never mind then.')).toEqual([]);
  });

  it('drops a task someone else has already done', async () => {
    expect(await kept('USER: I need to order more printer ink.', 'KIM: I already ordered it this morning.')).toEqual([]);
  });

  it('drops a task someone else takes over', async () => {
    expect(await kept('USER: I have to walk the dog tonight.', "KIM: No, I'll do it, you rest.")).toEqual([]);
  });

  it('drops a task the wearer hands to someone else', async () => {
    expect(await kept('USER: I need to call the roofer about the quote.', 'USER: Actually, Dana will do it, she knows him.')).toEqual([]);
    expect(await kept("USER: I'll buy the birthday candles.", 'KIM: I can get them on my way.', "USER: Okay, let Kim handle that.")).toEqual([]);
  });

  it('drops a task when someone says it is done with the same verb', async () => {
    expect(await kept('USER: I need to register Theo for chess club.', 'KIM: I registered him on Monday.')).toEqual([]);
  });

  it('moves a task to the day the wearer settles on', async () => {
    expect(await kept("USER: I'll clean the gutters tomorrow.", 'KIM: It is supposed to rain tomorrow.', 'USER: Okay, Saturday then.')).toEqual([
      { text: 'clean the gutters', due: '2026-03-14' },
    ]);
    expect(await kept("USER: I'll send the invoice today.", 'USER: Actually, make it Friday.')).toEqual([{ text: 'send the invoice', due: '2026-03-13' }]);
  });

  it('keeps the task when a date in the reply is about something past', async () => {
    expect(await kept("USER: Remind me to cancel the gym membership.", 'KIM: Have you been going?', 'USER: Not since January.')).toEqual([
      { text: 'cancel the gym membership', due: null },
    ]);
  });

  it('reads a bargained date for an accepted request', async () => {
    expect(await kept('KIM: Can you take the bins out tomorrow?', "USER: Tomorrow's bad. Thursday?", 'KIM: Thursday works.', 'USER: Okay, Thursday then.')).toEqual([
      { text: 'take the bins out', due: '2026-03-12' },
    ]);
  });
});

// Written for these tests (issue 22, third round), not taken from any evaluation file.
describe('the clause reader: frames that generalise', () => {
  it('reads "it is important that I…", a learner\'s "must to", and a verb ending in -ing that is not a gerund', () => {
    expect(todos(read("USER: It's important that I renew the fishing licence before April."))).toEqual(['renew the fishing licence']);
    expect(todos(read('USER: Tomorrow I must to collect the parcel from the depot.'))).toEqual(['collect the parcel from the depot']);
    expect(todos(read("USER: I'll ping the landlord about the leak."))).toEqual(['ping the landlord about the leak']);
    expect(todos(read("USER: I'll bring the projector."))).toEqual(['bring the projector']);
  });

  it('does not take regrets, habits or wishes as to-dos', () => {
    expect(todos(read('USER: We should have booked the hotel months ago.'))).toEqual([]);
    expect(todos(read('USER: I really need to stop eating so much sugar.'))).toEqual([]);
    expect(todos(read('USER: I need to keep trying, I guess.'))).toEqual([]);
  });

  it('keeps a new clause after a comma out of the to-do text', () => {
    expect(todos(read('USER: I have to renew the parking permit, it expires on the first.'))).toEqual(['renew the parking permit']);
    expect(todos(read('USER: I need to register for the course, the deadline is Friday.'))).toEqual(['register for the course']);
  });

  it('reads "I\'ll do it" as the task someone named before, and as the task the wearer put off', () => {
    expect(todos(read('ANA: Somebody should clean out the gutters this weekend.', "USER: Let's do it on Saturday."))).toEqual(['clean out the gutters']);
    expect(todos(read("USER: I can't fix the gate today, I'll do it on Friday."))).toEqual(['fix the gate']);
  });

  it('does not read a locative as the thing a pronoun names', () => {
    expect(todos(read('TOM: The lease renewal came, I left it on your desk.', "USER: Thanks, I'll sign it tonight."))).toEqual(['sign the lease renewal']);
  });

  it('takes the requests people phrase as a need with a deadline, a due reminder, or "you … ?"', () => {
    expect(todos(read('KIM: I need the volunteer roster by Thursday.', 'USER: On it.'))).toEqual(['send Kim the volunteer roster']);
    expect(todos(read("KIM: I need the car.", 'USER: Okay.'))).toEqual([]);
    expect(todos(read("RAY: Don't forget, your library fine is due Monday.", 'USER: Ugh, right.'))).toEqual(['pay my library fine']);
    expect(todos(read("RAY: I'll get the drinks, you grab the ice?", 'USER: Yeah, I will.'))).toEqual(['grab the ice']);
  });

  it('drops what the wearer does at once or says is done', async () => {
    expect(todos(read('KIM: Can you forward me the invoice?', 'USER: Sure, give me a sec.'))).toEqual([]);
    expect(await kept('KIM: Can you forward me the invoice?', 'USER: Yep, will do.', 'USER: There, sent.')).toEqual([]);
  });

  it('reads a plan said in the present only with a date, and stops at someone else\'s part of it', () => {
    expect(todos(read('USER: ok so the plan is I order the cake tomorrow and Dana picks up the balloons.'))).toEqual(['order the cake']);
    expect(todos(read('USER: I order the cake.'))).toEqual([]);
    expect(todos(read('USER: I call my sister every Sunday.'))).toEqual([]);
  });

  it('takes the wearer\'s instructions to themself only when nobody else is talking', () => {
    expect(todos(read('USER: Defrost the chicken, wipe the counters and empty the dishwasher.'))).toEqual(['defrost the chicken', 'wipe the counters', 'empty the dishwasher']);
    expect(todos(read('USER: anyway. renew the gym membership by friday'))).toEqual(['renew the gym membership']);
    expect(todos(read('KIM: What should I do with these?', 'USER: Empty the dishwasher and wipe the counters.'))).toEqual([]);
    expect(todos(read('USER: Look at that, wow.'))).toEqual([]);
  });

  it('accepts a request whose reply starts by repeating the date', () => {
    expect(todos(read('LEE: Could you have the budget summary drafted by Friday?', 'USER: Friday, yeah, that is doable.'))).toEqual(['draft the budget summary']);
  });

  it('names the person "his" refers to when someone was named before', () => {
    expect(todos(read('ROSA: Omar is out next week.', 'USER: Then I will cover his standups on Monday.'))).toEqual(["cover Omar's standups"]);
  });

  it('reads clipped speech without a subject, and notes to oneself', () => {
    expect(todos(read('USER: need to renew the fishing licence before the trip next week'))).toEqual(['renew the fishing licence before the trip']);
    expect(todos(read('USER: Memo to self: back up the laptop on Sunday.'))).toEqual(['back up the laptop']);
    expect(todos(read('USER: Need to know, honestly.'))).toEqual([]);
  });

  it('drops the wearer\'s task when the wearer says someone else already did it', async () => {
    expect(await kept('USER: I have to pay the window cleaner. Oh wait, Sam paid him yesterday.')).toEqual([]);
    expect(await kept('USER: I have to pay the window cleaner. Sam says hi.')).toEqual([{ text: 'pay the window cleaner', due: null }]);
  });

  it('reads a pronoun object as what the same verb took just before', () => {
    expect(todos(read('NURSE: His drops are nearly gone, someone needs to call the pharmacy for a refill.', 'USER: I will call them at noon.'))).toEqual(['call the pharmacy for a refill']);
  });

  it('moves a task when the wearer says the event itself moved', async () => {
    expect(await kept('USER: I will run the fire drill on Monday. Wait, no, it got moved to Thursday.')).toEqual([{ text: 'run the fire drill', due: '2026-03-12' }]);
  });

  it('reads whisper\'s "two" before a task verb as "to", and not before a count', () => {
    expect(todos(read('USER: remind me tomorrow two email the landlord'))).toEqual(['email the landlord']);
    expect(todos(read('USER: I will pick up two bags of mulch tomorrow'))).toEqual(['pick up two bags of mulch']);
  });

  it('takes "you do the X?" as a request and does not borrow the object of someone else\'s own promise', () => {
    expect(todos(read("ROOMIE: I'll cancel the gym, you do the streaming?", "USER: Sure, I'll cancel it tomorrow."))).toEqual(['do the streaming']);
  });

  it('takes the date of the sentence a pronoun points back to, and of a question whisper left without its mark', async () => {
    expect(await kept('USER: Can you take Mia to swim practice Friday? I will pick her up.', 'TOM: Sure.')).toEqual([{ text: 'pick Mia up', due: '2026-03-13' }]);
    expect(await kept('ZOE: you still coming thursday', 'USER: yeah ill bring the folding table')).toEqual([{ text: 'bring the folding table', due: '2026-03-12' }]);
    // Not the date of something already done earlier today.
    expect(await kept('USER: I phoned the clinic this morning. I still need to email them the referral.')).toEqual([{ text: 'email the clinic the referral', due: null }]);
  });

  it('reads "we have to have it to Kim by Friday" as the deadline of the task just made', async () => {
    expect(await kept('USER: I will draft the grant summary.', 'USER: And we have to have it to Kim by Friday.')).toEqual([{ text: 'draft the grant summary', due: '2026-03-13' }]);
  });

  it('takes a day the wearer offers instead of the one refused, and not a light-verb restatement after accepting', () => {
    const offered = read('DAN: Can you clean the grill this weekend?', "USER: Not this weekend, I'm away. Next weekend for sure.");
    expect(offered.flatMap((f) => (f.type === 'todo' ? [[f.todo.text, f.todo.due?.date]] : []))).toEqual([['clean the grill', '2026-03-21']]);
    expect(todos(read('DAN: Can you clean the grill this weekend?', "USER: Not this weekend, sorry, I'm away."))).toEqual([]);
    expect(todos(read('LEE: Could you write up the survey results for Friday?', 'USER: Sure, I will have a summary by Thursday.'))).toEqual(['write up the survey results']);
  });

  it('does not take a need with no time and no intent to act soon', () => {
    expect(todos(read('USER: We will need to redo the patio at some point, but not now.'))).toEqual([]);
    expect(todos(read('USER: I need to renew my passport before it expires in May.'))).toEqual(['renew my passport']);
  });

  it('reads a store run as a list of things to get', () => {
    expect(todos(read('USER: Pharmacy run: cough drops, ibuprofen, and a thermometer.'))).toEqual(['cough drops', 'ibuprofen', 'thermometer']);
  });

  it('makes a request the wearer\'s on the day the wearer offered once the asker agrees', () => {
    const agreed = read('DAD: Can you take the recycling to the depot on the 14th?', 'USER: The 14th I am away, can I do the 15th?', 'DAD: That works.');
    expect(agreed.flatMap((f) => (f.type === 'todo' ? [[f.todo.text, f.todo.due?.date]] : []))).toEqual([['take the recycling to the depot', '2026-03-15']]);
    expect(todos(read('DAD: Can you take the recycling to the depot on the 14th?', 'USER: The 14th I am away, can I do the 15th?', 'DAD: No, it has to be the 14th.'))).toEqual([]);
  });

  it('reads "Reminder, …" as a note, "need it by Friday" as the deadline, and going somewhere as the means', async () => {
    expect(todos(read('USER: Reminder, renew the domain name, it expires on the 20th.'))).toEqual(['renew the domain name']);
    expect(await kept('USER: I have to rewrite the cover letter. Need it by Friday.')).toEqual([{ text: 'rewrite the cover letter', due: '2026-03-13' }]);
    expect(todos(read('USER: Tomorrow I have to go to the bank and deposit the cheque.'))).toEqual(['deposit the cheque']);
    expect(todos(read('FRIEND: You gonna be at the game Sunday?', 'USER: Yeah.'))).toEqual([]);
  });

  it('reads "I got four cards to mail" as the task of mailing them, and not a question about it', () => {
    expect(todos(read('USER: I have a stack of invoices to send before Friday.'))).toEqual(['send the invoices']);
    expect(todos(read('USER: we got three boxes to return tomorrow'))).toEqual(['return three boxes']);
    expect(todos(read('USER: I have three tickets to sell.'))).toEqual(['sell three tickets']);
    expect(todos(read('USER: Do I have any forms to sign?'))).toEqual([]);
  });

  it('keeps reported advice out and reported instructions in', () => {
    expect(todos(read('USER: My sister keeps saying I should learn to cook.'))).toEqual([]);
    expect(todos(read('USER: The dentist said I need to book a cleaning before June.'))).toEqual(['book a cleaning']);
  });

  it('takes "are you still doing X?" answered yes, and a date echoed with "is fine"', () => {
    expect(todos(read('ROB: Are you still updating the budget sheet?', 'USER: Yep, done by Thursday.'))).toEqual(['update the budget sheet']);
    expect(todos(read('ROB: Can you review the prototype on Monday at ten?', 'USER: Monday at ten is fine.'))).toEqual(['review the prototype']);
    expect(todos(read('ROB: Can you review the prototype on Monday at ten?', 'USER: Monday at ten is not great, sorry.'))).toEqual([]);
  });

  it('names the person the wearer is answering when the to-do is about "you"', () => {
    expect(todos(read('NADIA: I covered your half of the cab.', 'USER: Thanks, I will pay you back on Friday.'))).toEqual(['pay Nadia back']);
    expect(todos(read('TV: You deserve a better mattress.', 'USER: I will pay you back on Friday.'))).toEqual(['pay you back']);
  });

  it('reads a dictated list whose items are headed by a day, and a note that says "so fix it"', async () => {
    expect(await kept('USER: Right, while I remember. Friday: return the drill to Omar. Saturday: pick up the cake.')).toEqual([
      { text: 'return the drill to Omar', due: '2026-03-13' },
      { text: 'pick up the cake', due: '2026-03-14' },
    ]);
    expect(await kept('USER: Note. End of the week the car insurance lapses, so renew it.')).toEqual([{ text: 'renew the car insurance', due: '2026-03-13' }]);
    // A day said back with fillers is a move, not a list heading.
    expect(await kept('USER: I need to book the vet for the dog on Thursday.', 'ANA: They are closed Thursday, it is Friday.', 'USER: Friday, okay, okay.')).toEqual([{ text: 'book the vet for the dog', due: '2026-03-13' }]);
  });

  it('drops a task someone else takes ("I\'ll drop it off"), and not when "it" is another thing', async () => {
    expect(await kept('USER: we need to return the ladder to Tom by Friday', 'MIA: I will drop it at his house tonight, it is on my way')).toEqual([]);
    expect(await kept('MIA: Can you water my plants while I am away next week?', 'USER: Sure. Leave me your spare key.', 'MIA: I will drop it off Sunday.')).toEqual([{ text: 'water Mia\'s plants', due: '2026-03-16' }]);
  });

  it('drops a task the wearer forgets by name, or hears was done with a contracted verb', async () => {
    expect(await kept('USER: I have to mail the insurance form this week.', 'RAJ: You uploaded it on Monday.', 'USER: Oh right. Forget the form then.')).toEqual([]);
    expect(await kept('USER: I need to RSVP to the Lees\' party by Friday.', 'RAJ: I RSVP\'d for us yesterday.')).toEqual([]);
  });

  it('reads "then" as the time the other person just said, and a title\'s full stop as no sentence end', async () => {
    expect(await kept('PLUMBER: The part comes in in two weeks, we can fit it then.', 'USER: Fine. I will clear out the cupboard then.')).toEqual([{ text: 'clear out the cupboard', due: '2026-03-25' }]);
    expect(todos(read('USER: I will call Dr. Okafor\'s office this afternoon.'))).toEqual(["call Dr. Okafor's office"]);
  });

  it('reads a bare day split off before its clause, a date said in a following "when I …" clause, and "first thing Monday" as a move', async () => {
    expect(await kept('USER: friday im repainting the back fence finally')).toEqual([{ text: 'repaint the back fence', due: '2026-03-13' }]);
    expect(await kept('USER: I will bring the charger when I drop the laptop off Friday.')).toEqual([{ text: 'bring the charger', due: '2026-03-13' }]);
    expect(await kept('USER: I have to ring the council about the bins tomorrow.', 'KAY: tomorrow is a holiday, nobody will pick up', 'USER: fine first thing monday then')).toEqual([{ text: 'ring the council about the bins', due: '2026-03-16' }]);
  });

  it('carries a list on into the wearer\'s next utterance, and takes the deadline the other person just stated', async () => {
    expect(await kept('USER: before the weekend I have to um book the boiler service', 'USER: and and pay the window cleaner')).toEqual([
      { text: 'book the boiler service', due: '2026-03-13' },
      { text: 'pay the window cleaner', due: '2026-03-13' },
    ]);
    expect(await kept('COACH: we need the signed medical form back by the end of the month', 'USER: ok I will get the form from Dr. Reyes and drop it off')).toEqual([{ text: 'get the form from Dr. Reyes and drop it off', due: '2026-03-31' }]);
  });

  it('does not take a routine, a statement about a thing, or "you guys" as what "it" names', async () => {
    expect(await kept('USER: if the bus is late again I am going to have to drive him every day', 'SAL: hope not')).toEqual([]);
    expect(await kept('USER: Book group email says the next meeting is at Ann\'s.')).toEqual([]);
    expect(todos(read('USER: can you guys fix it this week', 'CLERK: Thursday is open, just drop it off.', 'USER: I will drop it off Thursday.')).join()).not.toMatch(/guys/);
  });

  it('reads "a new one", "order something" and "a copy of X" as the thing named before', () => {
    expect(todos(read('TEACHER: Noor\'s water bottle in the classroom is cracked.', 'USER: Oh no. I will bring a new one Monday.'))).toEqual(['bring a new bottle']);
    expect(todos(read('ANA: we still have not got a present for your sister', 'USER: I will order something tonight'))).toEqual(['order a present']);
    expect(todos(read('AGENT: I still need a copy of your parking permit.', 'USER: Sure, I will email it to you on Friday.'))[0]).toMatch(/^email a copy of my parking permit/);
  });

  it('moves only the to-do a "then the X <day>" names', async () => {
    expect(await kept('USER: Tomorrow: return the library books and drop the suit at the cleaners.', 'BEA: The cleaners are shut on Thursdays.', 'USER: Then the suit Friday.')).toEqual([
      { text: 'return the library books', due: '2026-03-12' },
      { text: 'drop the suit at the cleaners', due: '2026-03-13' },
    ]);
  });

  it('does not take "did you get X?" answered with another promise as the request, and reads "get Dr. Lee to sign it"', async () => {
    expect(await kept('AGENT: Did you get the contract I posted?', 'USER: Yes, it came today. I will sign it and post it back by Friday.')).toEqual([{ text: 'sign the contract and post it back', due: '2026-03-13' }]);
    expect(todos(read('USER: Ugh, the permission slip. I will get Mr. Hale to sign it Friday.'))).toEqual(['get Mr. Hale to sign the permission slip']);
  });

  it('does not read who is calling, someone\'s excuse, or where a place is as what "it" names', () => {
    expect(todos(read('OFFICE: hi this is the front desk at lincoln high just a reminder that the photo forms are due friday', 'USER: oh right ill bring it in tomorrow'))).toEqual(['bring the photo forms']);
    expect(todos(read('USER: Jo, can you collect the parcel from the depot Friday?', 'JO: I have got band till eight.', 'USER: Fine, I will get it Saturday.'))).toEqual(['get the parcel']);
  });

  it('reads "it is ready" answered with "I will be there" as a pickup, and a list dictated after "add."', async () => {
    expect(await kept('CLERK: Your glasses are ready. We close at six.', 'USER: Great, I will be there by half five.')).toEqual([{ text: 'pick up my glasses', due: '2026-03-11' }]);
    expect(await kept('USER: ok jarvis um add. bread. the the oranges. and uh dish soap')).toEqual([
      { text: 'bread', due: null }, { text: 'oranges', due: null }, { text: 'dish soap', due: null },
    ]);
  });

  it('takes a "please …" or "two things: …" instruction answered "will do" / "… no problem", without "arrive early"', async () => {
    expect(await kept('NURSE: Please bring his vaccination card and arrive ten minutes early.', 'USER: Will do.')).toEqual([{ text: 'bring his vaccination card', due: null }]);
    expect(await kept('PAINTER: One thing before we start Thursday: clear the hallway shelves.', 'USER: Shelves cleared by Wednesday. No problem.')).toEqual([{ text: 'clear the hallway shelves', due: '2026-03-11' }]);
  });

  it('reads a business\'s "us" as the place, "that day" as the day said before, and whisper\'s "well need" as no request', async () => {
    expect(await kept('PHARMACIST: The refill comes in the day after tomorrow. Call us after noon that day.', 'USER: Will do.')).toEqual([{ text: 'call the pharmacy', due: '2026-03-13' }]);
    expect(await kept('CLERK: great and well need the receipt from your bank before then', 'USER: ok ill get the receipt printed')).toEqual([{ text: 'get the receipt printed', due: null }]);
  });

  it('takes a slot someone offers (a day and a time) that the wearer accepts as an appointment, and not one refused', async () => {
    expect(await kept('CLINIC: We have Thursday the 19th at 10:30 with Dr. Ames.', 'USER: Perfect, put me down for that.')).toEqual([{ text: 'appointment with Dr. Ames at 10:30', due: '2026-03-19' }]);
    expect(await kept('GROOMER: Bella\'s nail trim appointment could be the 20th at two thirty.', 'USER: The 20th at two thirty, great.')).toEqual([{ text: "bella's nail trim appointment at 2:30", due: '2026-03-20' }]);
    expect(await kept('CLINIC: We have Thursday the 19th at 10:30.', 'USER: Sorry, I cannot do Thursdays.')).toEqual([]);
  });

  it('dates an accepted request by the wearer\'s own deadline, "before then" by the day agreed, and "then too" by the day said before', async () => {
    // The request's day stands unless the wearer names a deadline of their own ("by …"); a step toward it does not move it.
    expect(await kept('BOSS: Could you write up the vendor comparison for Friday\'s meeting?', 'USER: Sure, I will have it by Thursday morning.')).toEqual([{ text: 'write up the vendor comparison', due: '2026-03-12' }]);
    expect(await kept('AUNT: Can you bring the big cooler Saturday?', 'USER: Of course, I will load it in the car tonight.')).toEqual([{ text: 'bring the big cooler', due: '2026-03-14' }]);
    expect(await kept('DENTIST: We can see you Tuesday the 17th at nine.', 'USER: Perfect, put me down for that.', 'DENTIST: Good, and we need your new insurance details before then.', 'USER: Okay, I will email the insurance details.')).toEqual([
      { text: 'appointment at 9', due: '2026-03-17' }, { text: 'email the insurance details', due: '2026-03-17' },
    ]);
    expect(await kept('USER: The recycling pickup is Friday. I will clean the bins then too, it is the habit.')).toEqual([{ text: 'clean the bins', due: '2026-03-13' }]);
  });

  it('reads "first day back" and "last day before …" as today when nothing else dates the to-do', async () => {
    expect(await kept('USER: First day back, so I need to sort the mail pile.')).toEqual([{ text: 'sort the mail pile', due: '2026-03-11' }]);
    expect(await kept('USER: Last day before the move. I have to return the router to the cable company.')).toEqual([{ text: 'return the router to the cable company', due: '2026-03-11' }]);
    expect(await kept('USER: Last day before the move. I have to return the router on Friday.')).toEqual([{ text: 'return the router', due: '2026-03-13' }]);
  });

  it('copes with empty, punctuation-only and very long input', () => {
    for (const text of ['', ' ', ',,,', '?', '...', 'I need to', 'remind me to', 'I will', 'your is due', 'x '.repeat(3000)]) {
      expect(() => read(`USER: ${text}`), JSON.stringify(text.slice(0, 20))).not.toThrow();
    }
    expect(todos(read('USER: I need to'))).toEqual([]);
    expect(todos(read('USER: remind me to'))).toEqual([]);
  });
});
