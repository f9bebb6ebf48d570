\version "2.24.0"
% No signature, but the first note carries a sharp right after the clef: still no
% sharps or flats. G major harmony, so no key is called from a C major signature.
\header { title = "Etude" tagline = ##f }
\score {
  \new PianoStaff <<
    \new Staff { \time 4/4 fis''4 g'' a'' b'' | c'''1 | }
    \new Staff { \clef bass d1 | c1 | }
  >>
}
