\version "2.24.0"
% A piano trio's layout, unnamed: violin, cello, piano; G major.
\header { title = "Trio" tagline = ##f }
\score {
  <<
    \new Staff { \key g \major \time 4/4 b'2 d''2 | g''1 | }
    \new Staff { \clef bass \key g \major g2 b2 | d'1 | }
    \new PianoStaff <<
      \new Staff { \key g \major <g' b' d''>1 | <g' b' d''>1 | }
      \new Staff { \clef bass \key g \major g,1 | g,1 | }
    >>
  >>
}
