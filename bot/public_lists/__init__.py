"""The public lists of §3.5 (未结案件被执行人, 失信, 限制出境, 限制招投标, 限制高消费) and the courts' public notices."""
