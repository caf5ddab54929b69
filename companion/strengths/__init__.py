"""わたしの強みと配慮, the page the client owns, and the hand-over drafted when support ends."""
