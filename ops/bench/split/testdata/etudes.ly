% Twelve pages of piano music for ops/bench/split's scanned-score run (make bench-split):
% the bench renders these pages to images, as a scanner would, and times OCR on them.
% Regenerate with: lilypond -s -o etudes etudes.ly && qpdf --recompress-flate --compression-level=9 --object-streams=generate --replace-input etudes.pdf
\version "2.24.0"
\header {
  title = "Zwölf Etüden"
  subtitle = "für Klavier"
  composer = "Carl Czerny"
  opus = "Op. 740"
  dedication = "Herrn Franz Liszt gewidmet"
  tagline = ##f
}
\paper { #(set-paper-size "a4") system-system-spacing.basic-distance = #16 }
upper = \relative c'' {
  \key as \major \time 4/4 \tempo "Allegro vivace"
  \repeat unfold 165 { as16 c es as es c as c bes des f bes f des bes des | }
  \bar "|."
}
lower = \relative c {
  \clef bass \key as \major
  \repeat unfold 165 { <as es' c'>2 <des f bes>2 | }
}
\score {
  \new PianoStaff \with { instrumentName = "Piano" } << \new Staff \upper \new Staff \lower >>
  \layout { }
}
