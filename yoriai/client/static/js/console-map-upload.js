// The district's map to the server (console-map.js's 「地図を選ぶ」): the file as the body of
// POST /w/<code>/map (docs/protocol.md), its title and, for a PDF, the page in the query, as
// the console's photos go. The server checks, renders (a PDF's page) and stores it, and its
// add_map reaches every board before it answers; this only says, in the page's language,
// what went wrong when it did not (the server's own words when it gave some).

import {t} from './page.js';

/**
 * Upload a map; resolves with the server's refusal in words, or null when it is stored.
 * @param {string} code the workshop's
 * @param {File} file
 * @param {string} title
 * @param {number} page the PDF's page, from 1
 * @returns {Promise<(string|null)>}
 */
export async function upload(code, file, title, page) {
  const pdf = file.type === 'application/pdf' || /\.pdf$/i.test(file.name);
  const query = new URLSearchParams({title: title});
  if (pdf) {
    query.set('page', String(page));
  }
  let reply;
  try {
    reply = await fetch('/w/' + encodeURIComponent(code) + '/map?' + query.toString(), {
      method: 'POST', body: file, credentials: 'same-origin',
      headers: {'Accept': 'application/json',
        'Content-Type': file.type || (pdf ? 'application/pdf' : 'application/octet-stream')}});
  } catch (e) {
    return t('console.map.failed', {name: file.name});
  }
  if (reply.ok) {
    return null;
  }
  try {
    const answer = await reply.json();
    const error = answer && answer.error ? answer.error : answer;
    if (error && typeof error.message === 'string') {
      return file.name + ': ' + error.message;
    }
  } catch (e) {
    // not JSON (a refusal from the security layer): say it failed
  }
  return t('console.map.failed', {name: file.name});
}
