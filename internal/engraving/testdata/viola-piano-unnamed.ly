\version "2.24.0"
% A viola (alto clef) over the piano, no names; C major.
\header { title = "Romanze" tagline = ##f }
\score {
  <<
    \new Staff { \clef alto \time 4/4 c'2 e'4 g' | f'2 e'2 | d'4 c' b c' | c'1 | }
    \new PianoStaff <<
      \new Staff { <c' e' g'>1 | <c' f' a'>2 <c' e' g'>2 | <b d' g'>1 | <c' e' g'>1 | }
      \new Staff { \clef bass c1 | f,2 c2 | g,1 | c1 | }
    >>
  >>
}
