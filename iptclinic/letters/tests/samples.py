"""A small appointment letter in the markup the letter stylesheets expect, for the format tests."""

LETTER_PARAGRAPHS = (
    "Thank you for meeting us. We have agreed to meet for 16 sessions of "
    "Interpersonal Psychotherapy.",
    "Your first session is on Tuesday 3 March at 10:00. Each session lasts 50 minutes.",
    "If you cannot come, please call us on 0161 496 0000 as soon as you can.",
)

LETTER_HTML = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Your appointments</title></head>
<body>
<div class="window">
  <p class="confidential">Private and confidential</p>
  <address class="recipient">Ms Cara Example<br>1 High Street<br>Northtown<br>NT1 2AB</address>
</div>
<div class="letterhead">
  <p class="service-name">Northtown Talking Therapies</p>
  <address>IPT Team, 2 Mill Lane<br>Northtown NT3 4CD<br>Telephone 0161 496 0000</address>
</div>
<p class="letter-date">24 February 2026</p>
<dl class="identifiers">
  <dt>Name</dt><dd>Cara Example</dd>
  <dt>Date of birth</dt><dd>12 July 1985</dd>
  <dt>NHS number</dt><dd>943 476 5919</dd>
</dl>
<main>
  <h1>Your appointments</h1>
  <p>Dear Ms Example,</p>
  <p>{LETTER_PARAGRAPHS[0]}</p>
  <p>{LETTER_PARAGRAPHS[1]}</p>
  <table>
    <caption>Your first sessions</caption>
    <thead><tr><th>Session</th><th>Date</th><th>Time</th></tr></thead>
    <tbody>
      <tr><td>1</td><td>Tuesday 3 March 2026</td><td>10:00</td></tr>
      <tr><td>2</td><td>Tuesday 10 March 2026</td><td>10:00</td></tr>
    </tbody>
  </table>
  <p>{LETTER_PARAGRAPHS[2]}</p>
  <p>Travel costs up to £12.50 can be paid back. Bring your ticket to the café desk.</p>
  <div class="sign-off">
    <p>Yours sincerely,</p>
    <p>Tess Ward<br>IPT therapist</p>
  </div>
</main>
<section class="contacts">
  <h2>Contact us</h2>
  <p>Care coordinator: 0161 496 0001. Email: ipt@example.nhs.uk</p>
  <p>If you need an interpreter or British Sign Language, tell us and we will book one.</p>
</section>
</body>
</html>
"""
