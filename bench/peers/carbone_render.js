// Peer benchmark (bench/peers.py): Carbone 3 renders one PDF per recipient from a Carbone DOCX template.
//
// Usage: node bench/peers/carbone_render.js JOB.json
// JOB.json: {"carbone": "<folder holding node_modules/carbone>", "template": "<absolute .docx>",
//            "out": "<folder>", "temp": "<scratch folder>", "factories": 2,
//            "letters": [{"file": "<name>.pdf", "data": {...}}, ...]}
// Starts `factories` LibreOffice processes (Carbone's own converter), renders every letter with at most
// 2 × factories renders in flight (Carbone queues the conversions for its factories), writes each PDF,
// shuts the factories down and exits 0; on the first error it prints it and exits 1.
'use strict';

const fs = require('fs');
const path = require('path');

const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const carbone = require(path.join(job.carbone, 'node_modules', 'carbone'));
const converter = require(path.join(job.carbone, 'node_modules', 'carbone', 'lib', 'converter'));

fs.mkdirSync(job.out, { recursive: true });
fs.mkdirSync(job.temp, { recursive: true });
carbone.set({ factories: job.factories, startFactory: true, tempPath: job.temp });

// Stop the factories, then exit (Carbone's own clean-up of its scratch folders may throw: ignored).
function quit (code) {
  try {
    converter.exit(() => process.exit(code));
  }
  catch (err) {
    process.exit(code);
  }
}

function fail (err) {
  console.error(String(err && err.stack ? err.stack : err));
  quit(1);
}

const letters = job.letters;
let next = 0;
let done = 0;

function renderNext () {
  if (next >= letters.length) {
    return;
  }
  const letter = letters[next++];
  carbone.render(job.template, letter.data, { convertTo: 'pdf' }, (err, pdf) => {
    if (err) {
      return fail(err);
    }
    fs.writeFile(path.join(job.out, letter.file), pdf, (writeErr) => {
      if (writeErr) {
        return fail(writeErr);
      }
      done += 1;
      if (done === letters.length) {
        quit(0);
      }
      else {
        renderNext();
      }
    });
  });
}

if (letters.length === 0) {
  quit(0);
}
for (let i = 0; i < Math.min(2 * job.factories, letters.length); i++) {
  renderNext();
}
