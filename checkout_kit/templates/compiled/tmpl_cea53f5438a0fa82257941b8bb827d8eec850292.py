from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'shipped.subject.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_reference = resolve('reference')
    l_0_shop_name = resolve('shop_name')
    pass
    yield 'Your order '
    yield str((undefined(name='reference') if l_0_reference is missing else l_0_reference))
    yield ' from '
    yield str((undefined(name='shop_name') if l_0_shop_name is missing else l_0_shop_name))
    yield ' has shipped\n'

blocks = {}
debug_info = '1=14'