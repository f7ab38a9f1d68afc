segment one
