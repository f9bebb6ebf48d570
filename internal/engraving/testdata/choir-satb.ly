\version "2.24.0"
% A four-part choir, named, with words; G major.
\header { title = "Hymnus" tagline = ##f }
words = \lyricmode { Lo -- bet den Her -- ren }
\score {
  \new ChoirStaff <<
    \new Staff \with { instrumentName = "Sopran" } { \key g \major \time 4/4 d''4 d'' e'' d'' | d''1 | }
    \addlyrics \words
    \new Staff \with { instrumentName = "Alt" } { \key g \major b'4 b' c'' b' | b'1 | }
    \addlyrics \words
    \new Staff \with { instrumentName = "Tenor" } { \clef "treble_8" \key g \major g4 g g g | g1 | }
    \addlyrics \words
    \new Staff \with { instrumentName = "Bass" } { \clef bass \key g \major g,4 g, c d | g,1 | }
    \addlyrics \words
  >>
}
