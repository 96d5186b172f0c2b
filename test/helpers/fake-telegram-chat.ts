/**
 * Talk to a locally running pustaka-relay without a real Telegram bot: starts the fake Bot API
 * on 127.0.0.1, prints the two variables to start the service with, and turns each line you
 * type into a patron's message; the bot's replies are printed as they arrive.
 *
 *   npm run chat                    (then, in another terminal, the printed `npm start` line)
 */
import { createInterface } from "node:readline";
import { FakeTelegram } from "./fake-telegram";

async function main() {
  const port = Number(process.env.FAKE_TELEGRAM_PORT ?? 8081);
  const fake = await FakeTelegram.start({ port });
  const language = process.env.PATRON_LANGUAGE ?? "id";
  // A fresh patron each run: this fake numbers messages from 1 again, and the service rightly
  // treats a repeated (chat, message id) as a redelivery.
  const chat = Number(process.env.PATRON_CHAT_ID ?? 100_000 + Math.floor(Math.random() * 900_000));
  process.stdout.write(
    [
      `Fake Telegram Bot API on ${fake.apiRoot}. Start the service in another terminal with:`,
      ``,
      `  TELEGRAM_BOT_TOKEN=${fake.token} TELEGRAM_API_ROOT=${fake.apiRoot} npm start`,
      ``,
      `Then type messages as a patron (language ${language}); /quit to stop.`,
      `  !press <button data>   press an inline button, e.g. !press /language en`,
      `  !contact <phone>       share your own phone number, e.g. !contact 081234567801`,
      ``,
    ].join("\n"),
  );
  let shown = 0;
  const timer = setInterval(() => {
    for (const m of fake.sent.slice(shown)) {
      const buttons = JSON.stringify(m.replyMarkup ?? "").match(/"callback_data":"[^"]*"/g);
      process.stdout.write(`\n[bot] ${m.text}${buttons ? `\n      buttons: ${buttons.join(", ")}` : ""}\n> `);
    }
    shown = fake.sent.length;
  }, 100);
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "> " });
  rl.prompt();
  for await (const line of rl) {
    if (line.trim() === "/quit") break;
    if (line.startsWith("!press ")) fake.pressButton(chat, line.slice(7).trim());
    else if (line.startsWith("!contact ")) {
      // The patron shares their own phone number (Telegram's contact button).
      fake.sendMessage(chat, {
        contact: { phone_number: line.slice(9).trim(), first_name: "Patron", user_id: chat },
      });
    } else if (line.trim()) fake.sendText(chat, line, { first_name: "Patron", language_code: language });
    rl.prompt();
  }
  clearInterval(timer);
  rl.close();
  await fake.close();
}

void main();
