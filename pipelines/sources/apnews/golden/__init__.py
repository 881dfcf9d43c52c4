"""AP golden pairs: pages written for this project in both site generations, and the records they must give."""
