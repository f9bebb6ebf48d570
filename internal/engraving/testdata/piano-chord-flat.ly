\version "2.24.0"
% No signature and, as on a continuation page, no time signature: the first chord's
% B-flat (under its F) stands right after the clef, where a one-flat signature would, and
% so does the bass note's flat: still no sharps or flats.
\header { title = "Choral" tagline = ##f }
\layout { \context { \Staff \omit TimeSignature } }
\score {
  \new PianoStaff <<
    \new Staff { \time 4/4 <bes' f''>2 <a' c'' f''>2 | <g' c'' e''>1 | }
    \new Staff { \clef bass <bes, f>2 f,2 | c1 | }
  >>
}
