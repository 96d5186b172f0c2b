// whatsapp-web.js pulls in puppeteer; never download a browser on install (Debian's chromium is used).
module.exports = { skipDownload: true };
